import { createConnection, createServer, type Server, type Socket } from 'node:net';

// A TCP forwarder in front of a server, to take it away and bring it back on the same address: `cut`
// drops every connection and refuses new ones (as a server that died), `restore` listens again.

export interface TcpGate {
  /** 127.0.0.1:<port> */
  readonly address: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpGate(upstream: string): Promise<TcpGate> {
  const [host, port] = splitAddress(upstream);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    const target = createConnection({ host, port });
    track(client);
    track(target);
    client.pipe(target).pipe(client);
    client.once('error', () => target.destroy());
    target.once('error', () => client.destroy());
  });
  const listen = (at: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(at, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : at);
      });
    });
  const stop = async () => {
    for (const socket of sockets) socket.destroy();
    if (server.listening) await new Promise((resolve) => server.close(resolve));
  };
  const own = await listen(0);
  return {
    address: `127.0.0.1:${own}`,
    cut: stop,
    restore: async () => {
      await listen(own);
    },
    close: stop,
  };
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}
