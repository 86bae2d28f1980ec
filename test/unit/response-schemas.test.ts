import Ajv2020 from 'ajv/dist/2020';
import { buildOpenApiDocument } from '../../api/openapi';
import { encodeAnswer, missingResponseSchemas, RESPONSE_SCHEMAS } from '../../api/responses';
import { ROUTES } from '../../api/routes';
import { AddPolicyVersionRequest } from '../../api/schemas/policies';
import { outsideUnits } from '../../api/schemas/responses';
import { cycleDates } from '../../rules/cycle';
import { quoteFee } from '../../rules/fees';
import { getPolicy, NASM_CPT } from '../../rules/policies';
import { credentialView, type ViewSource } from '../../workflows/view';
import * as v1 from '../../workflows/v1/state';
import { buildView as buildV1View } from '../../workflows/v1/view';

// Every status a route lists has a response schema, and the answers the schemas build carry one
// CEU unit ("1.50") and money in `…Cents` fields. The real answers are checked over HTTP in
// test/integration/openapi-responses.test.ts.

interface Encoded {
  ceus: Record<string, unknown> & { counted: { units: string }[] };
  completions: { units: string }[];
  petitions: unknown[];
  application: { fee: { lines: unknown[] } };
  feeQuote: unknown;
}

type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };

describe('response schemas', () => {
  it('every route declares a schema for each status it lists', () => {
    const missing = ROUTES.map((route) => [route.operationId, missingResponseSchemas(route)] as const).filter(
      ([, statuses]) => statuses.length > 0,
    );
    // A route added without its answers' schemas: add them to RESPONSE_SCHEMAS (api/responses.ts).
    expect(missing).toEqual([]);
  });

  it('every schema in the map belongs to a route, under a status that route lists', () => {
    const listed = new Map(ROUTES.map((route) => [route.operationId, Object.keys(route.responses)]));
    for (const [operationId, schemas] of Object.entries(RESPONSE_SCHEMAS)) {
      expect([operationId, listed.has(operationId)]).toEqual([operationId, true]);
      for (const status of Object.keys(schemas)) {
        expect([operationId, status, listed.get(operationId)?.includes(status)]).toEqual([
          operationId,
          status,
          true,
        ]);
      }
    }
  });

  it('the document gives a schema for every response of every operation, and ajv compiles each', () => {
    const doc = buildOpenApiDocument(ROUTES);
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const withoutSchema: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods as Record<string, Operation>)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          const media = Object.values(response.content ?? {});
          if (media.length === 0 || media.some((m) => m.schema === undefined)) {
            withoutSchema.push(`${method.toUpperCase()} ${path} ${status}`);
          }
          for (const { schema } of media) {
            if (schema && !('$ref' in (schema as object))) ajv.compile(schema as object);
          }
        }
      }
    }
    expect(withoutSchema).toEqual([]);
  });

  it('the credential view goes out with CEUs as decimal strings and money in cents named so', () => {
    const policy = getPolicy('nasm-cpt');
    const dates = cycleDates('2025-06-30', policy);
    const fee = quoteFee(dates, policy, '2026-11-20');
    if (!fee.accepted) throw new Error('expected an accepted quote');
    const source: ViewSource = {
      credentialNumber: 'CPT-1',
      certifiedOn: '2025-06-30',
      cycle: 1,
      policy,
      versions: [policy],
      dates,
      facts: {
        completions: [
          {
            provider: 'acme',
            completionId: 'A-1',
            course: 'Nutrition',
            units: 150,
            completedOn: '2026-01-10',
            approved: true,
          },
        ],
        cprAed: [],
        petitions: [
          {
            petitionId: 'CPT-1-c1-pet1',
            course: 'Kettlebells',
            provider: null,
            requestedUnits: 40,
            completedOn: '2026-02-01',
            fee: { code: 'petition', label: 'Petition fee', amount: 2500 },
            paymentReference: 'pay-9',
            filedOn: '2026-02-02',
            status: 'approved',
            grantedUnits: 30,
            reason: null,
            decidedOn: '2026-02-03',
          },
        ],
        consumed: [],
        application: {
          applicationId: 'CPT-1-c1-app1',
          receivedOn: '2026-11-20',
          paymentReference: 'pay-10',
          amountPaid: 9900,
          fee,
          status: 'pending',
          auditSelected: false,
          decidedOn: null,
          reason: null,
          consumes: [],
        },
        audit: null,
        remindersSent: [],
      },
      closed: null,
    };
    const view = credentialView(source, Date.parse('2026-11-20T12:00:00Z'));
    const out = encodeAnswer('revokeCredential', 200, view) as Encoded;
    expect(out.ceus).toMatchObject({
      required: '2.00',
      earned: '1.80',
      fromCourses: '1.80',
      fromCprAed: '0.00',
      requiredFromCourses: '1.90',
      shortfall: '0.20',
    });
    expect(out.ceus.counted.map((c) => c.units)).toEqual(['1.50', '0.30']);
    expect(out.completions[0]?.units).toBe('1.50');
    expect(out.petitions[0]).toMatchObject({
      requestedUnits: '0.40',
      grantedUnits: '0.30',
      fee: { amountCents: 2500 },
    });
    expect(out.application).toMatchObject({ amountPaidCents: 9900, fee: { totalCents: 9900 } });
    expect(out.application.fee.lines).toEqual([
      { code: 'renewal', label: expect.any(String), amountCents: 9900 },
    ]);
    expect(out.feeQuote).toMatchObject({ totalCents: 9900 });
    // Nothing goes out in the contract's units or names.
    const json = JSON.stringify(out);
    expect(json).not.toMatch(/"(amount|total|amountPaid)":/);
    expect(json).not.toMatch(/"(units|requestedUnits|grantedUnits|earned|required|shortfall)":\d/);
  });

  it("a first-release run's view goes out in the same units (one mapper for both engines)", () => {
    const actor = { kind: 'portal' as const, id: 'key-1' };
    const at = Date.parse('2026-11-20T12:00:00Z');
    const state = v1.initialState(
      {
        credentialNumber: 'CPT-V1',
        policyId: 'nasm-cpt',
        certifiedOn: '2025-06-30',
        cycle: 1,
        cycleStart: '2025-06-30',
      },
      at,
    );
    v1.reportCompletion(
      state,
      {
        provider: 'acme',
        completionId: 'A-1',
        course: 'Nutrition',
        units: 190,
        completedOn: '2026-01-10',
        approved: true,
        reportedBy: { kind: 'service', id: 'key-2' },
      },
      at,
    );
    v1.filePetition(
      state,
      {
        course: 'Kettlebells',
        requestedUnits: 40,
        completedOn: '2026-02-01',
        paymentReference: 'pay-9',
        amountPaid: 2500,
        filedBy: actor,
      },
      '2026-02-02',
      at,
      { code: 'petition', label: 'Petition fee', amount: 2500 },
    );
    const command = { paymentReference: 'pay-10', amountPaid: 12000, submittedBy: actor };
    v1.receiveApplication(state, command, v1.evaluate(state, command, '2026-11-20'), '2026-11-20', at);
    const out = encodeAnswer('revokeCredential', 200, buildV1View(state, at)) as Encoded;
    expect(out.ceus).toMatchObject({ required: '2.00', earned: '1.90', shortfall: '0.10' });
    expect(out.completions[0]?.units).toBe('1.90');
    expect(out.petitions[0]).toMatchObject({
      requestedUnits: '0.40',
      grantedUnits: null,
      fee: { amountCents: 2500 },
    });
    expect(out.application).toMatchObject({ amountPaidCents: 12000, fee: { totalCents: 9900 } });
    expect(JSON.stringify(out)).not.toMatch(/"(amount|total|amountPaid)":/);
  });

  it('history data goes out in the same units, whatever the event', () => {
    expect(
      outsideUnits({
        completion: { units: 50 },
        petition: { requestedUnits: 40, grantedUnits: null, fee: { amount: 2500 } },
        amountPaid: 9900,
        fee: { total: 9900, lines: [{ amount: 9900 }] },
        balance: { earned: 190, shortfall: 10, counted: [{ units: 190 }] },
        facts: { feeDueCents: 9900, ceusMissingHundredths: 10 },
        ceusEarned: 190,
        draw: 42,
      }),
    ).toEqual({
      completion: { units: '0.50' },
      petition: { requestedUnits: '0.40', grantedUnits: null, fee: { amountCents: 2500 } },
      amountPaidCents: 9900,
      fee: { totalCents: 9900, lines: [{ amountCents: 9900 }] },
      balance: { earned: '1.90', shortfall: '0.10', counted: [{ units: '1.90' }] },
      facts: { feeDueCents: 9900, ceusMissing: '0.10' },
      ceusEarned: '1.90',
      draw: 42,
    });
  });

  it('a policy version goes out in the outside units, and the same shape comes back in as the internal Policy', () => {
    const out = encodeAnswer('addPolicyVersion', 201, {
      policy: NASM_CPT,
      fanOut: { signalled: 1, failed: 0 },
    }) as { policy: Record<string, unknown> };
    expect(out.policy).toMatchObject({
      requiredCeus: '2.00',
      cprAed: { units: '0.10', handsOnRequired: true },
      fees: {
        renewalCents: NASM_CPT.fees.renewal,
        lateCents: NASM_CPT.fees.late,
        reinstatementCents: NASM_CPT.fees.reinstatement,
        petitionCents: NASM_CPT.fees.petition,
      },
    });
    expect(JSON.stringify(out)).not.toMatch(/"(renewal|late|reinstatement|petition)":/);
    // Round trip: what a client reads is what it sends back to add a version.
    expect(AddPolicyVersionRequest.parse(out.policy)).toEqual(NASM_CPT);
    // The internal names are refused at the door: fees are sent as `…Cents`.
    const internal = AddPolicyVersionRequest.safeParse(NASM_CPT);
    expect(internal.error?.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['fees.renewalCents', 'fees']),
    );
    // requiredCeus is CEUs: 200 means 200 CEUs, not 2.00.
    expect(AddPolicyVersionRequest.parse({ ...out.policy, requiredCeus: 200 }).requiredCeus).toBe(20_000);
  });

  it('a report outcome goes out with the recorded CEUs as a decimal string', () => {
    const outcome = {
      credentialNumber: 'CPT-1',
      kind: 'ceu',
      source: 'acme',
      externalId: 'A-1',
      outcome: 'counted',
      counts: true,
      reasonCode: null,
      message: null,
      reportedBy: { kind: 'service', id: 'key-1' },
      seq: '12',
      updatedAt: '2026-11-20T12:00:00.000Z',
    };
    const recorded = {
      kind: 'ceu',
      provider: 'acme',
      completionId: 'A-1',
      course: 'Nutrition',
      units: 150,
      completedOn: '2026-01-10',
      approved: true,
    };
    expect(encodeAnswer('getCeuCompletionOutcome', 200, { ...outcome, recorded })).toEqual({
      ...outcome,
      recorded: { ...recorded, units: '1.50' },
    });
  });

  it('a stored answer replayed from PostgreSQL (jsonb reorders keys) is encoded to the very same text', () => {
    const petition = {
      petitionId: 'CPT-1-c1-pet1',
      course: 'Kettlebells',
      provider: null,
      requestedUnits: 40,
      completedOn: '2026-02-01',
      fee: { code: 'petition', label: 'Petition fee', amount: 2500 },
      paymentReference: 'pay-9',
      filedOn: '2026-02-02',
      status: 'approved',
      grantedUnits: 30,
      reason: null,
      decidedOn: '2026-02-03',
      note: null,
    };
    const reversed = (value: unknown): unknown =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(
            Object.entries(value)
              .reverse()
              .map(([k, v]) => [k, reversed(v)]),
          )
        : value;
    // api/command-receipts.ts stores the handler's body; a replay goes through the same schema.
    const stored = JSON.parse(JSON.stringify(reversed(petition))) as unknown;
    expect(JSON.stringify(encodeAnswer('decidePetition', 200, stored))).toBe(
      JSON.stringify(encodeAnswer('decidePetition', 200, petition)),
    );
  });

  it('an answer that does not match its schema is refused, not sent', () => {
    expect(() =>
      encodeAnswer('reportCeuCompletion', 202, { credentialNumber: 'X', accepted: true, extra: 1 }),
    ).toThrow(/reportCeuCompletion answer with status 202 does not match/);
  });
});
