import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxySinks,
  setHandler,
  type Sinks,
} from '@temporalio/workflow';

// The bare reference: what Temporal alone costs for a credential-like workflow. It sleeps until its
// "expiry", takes facts as signals with a synchronous handler, answers a query, and renews by an
// update followed by continue-as-new. Sinks tell the bench when it handled something.

export interface BareSinks extends Sinks {
  bench: {
    /** The first workflow task ran. */
    started(id: string): void;
    /** A fact signal was handled. */
    handled(factId: string): void;
  };
}

export interface BareInput {
  readonly id: string;
  readonly cycle: number;
  /** How long the cycle sleeps (ms of workflow time). */
  readonly sleepMs: number;
}

export interface BareState {
  readonly id: string;
  readonly cycle: number;
  readonly facts: number;
  readonly lastFact: string | null;
}

export const factSignal = defineSignal<[{ id: string }]>('fact');
export const stateQuery = defineQuery<BareState>('state');
export const renewUpdate = defineUpdate<number>('renew');

const { bench } = proxySinks<BareSinks>();

export async function bare(input: BareInput): Promise<void> {
  let facts = 0;
  let lastFact: string | null = null;
  let renewed = false;
  setHandler(factSignal, ({ id }) => {
    facts += 1;
    lastFact = id;
    bench.handled(id);
  });
  setHandler(stateQuery, () => ({ id: input.id, cycle: input.cycle, facts, lastFact }));
  setHandler(renewUpdate, () => {
    renewed = true;
    return input.cycle + 1;
  });
  bench.started(input.id);
  await condition(() => renewed, input.sleepMs);
  if (renewed) await continueAsNew<typeof bare>({ ...input, cycle: input.cycle + 1 });
}
