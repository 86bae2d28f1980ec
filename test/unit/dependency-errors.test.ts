import { ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { AppError, isDatabaseUnavailable } from '../../api/errors';
import { fromTemporal, isUnavailable } from '../../api/temporal-errors';

// A dependency that is down is a 503 with Retry-After, never a 500 (issue 8, "Reads answer 500").

/** A gRPC status error as grpc-js makes them: numeric code, details, metadata. */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
}

describe('Temporal errors that mean "cannot answer now"', () => {
  it.each([
    [1, 'CANCELLED', 'Call cancelled'],
    [4, 'DEADLINE_EXCEEDED', 'Deadline exceeded'],
    [9, 'FAILED_PRECONDITION', 'no poller seen for task queue recently'],
    [14, 'UNAVAILABLE', 'Connection refused'],
  ])(
    'when a query fails with gRPC %i (%s), then the API answers 503 with Retry-After',
    (code, _name, details) => {
      const err = new ServiceError('Failed to query Workflow', { cause: grpcError(code, details) });
      expect(isUnavailable(err)).toBe(true);
      const mapped = fromTemporal(err, 'query');
      expect(mapped).toBeInstanceOf(AppError);
      expect((mapped as AppError).status).toBe(503);
      expect((mapped as AppError).headers['Retry-After']).toBeDefined();
    },
  );

  it('when the error is another gRPC status or not Temporal at all, then it is not an outage', () => {
    expect(isUnavailable(new ServiceError('x', { cause: grpcError(3, 'invalid argument') }))).toBe(false);
    expect(isUnavailable(new WorkflowNotFoundError('gone', 'credential-X', undefined))).toBe(false);
    expect(isUnavailable(new TypeError('bug'))).toBe(false);
    const bug = new TypeError('bug');
    expect(fromTemporal(bug, 'query')).toBe(bug);
  });
});

describe('PostgreSQL errors that mean "down or restarting"', () => {
  it.each([
    [
      'Prisma driver adapter, server shutting down (57P01)',
      {
        name: 'DriverAdapterError',
        message: 'terminating connection due to administrator command',
        cause: { kind: 'postgres', code: '57P01', severity: 'FATAL' },
      },
    ],
    [
      'Prisma driver adapter, not reachable',
      {
        name: 'DriverAdapterError',
        message: 'DatabaseNotReachable',
        cause: { kind: 'DatabaseNotReachable', host: 'localhost', port: 5432 },
      },
    ],
    [
      'Prisma driver adapter, connection closed',
      { name: 'DriverAdapterError', cause: { kind: 'ConnectionClosed' } },
    ],
    [
      'node-postgres, connection refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
        code: 'ECONNREFUSED',
        errno: -111,
        syscall: 'connect',
      }),
    ],
    [
      'node-postgres, admin shutdown',
      Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
        severity: 'FATAL',
      }),
    ],
    [
      'node-postgres, starting up',
      Object.assign(new Error('the database system is starting up'), {
        code: '57P03',
        severity: 'FATAL',
      }),
    ],
    ['node-postgres, cut connection', new Error('Connection terminated unexpectedly')],
    ['node-postgres, pool exhausted', new Error('timeout exceeded when trying to connect')],
    ['Prisma, cannot reach (P1001)', { name: 'PrismaClientKnownRequestError', code: 'P1001' }],
  ])('when %s, then it is an outage', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505', severity: 'ERROR' })],
    [
      'an adapter constraint error',
      { name: 'DriverAdapterError', cause: { kind: 'UniqueConstraintViolation' } },
    ],
    ['a value out of range', { name: 'DriverAdapterError', cause: { kind: 'postgres', code: '22008' } }],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'kind')")],
  ])('when %s, then it is not an outage (500)', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
