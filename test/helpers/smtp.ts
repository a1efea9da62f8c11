import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server inside the test process, recording every message it accepts. */
export interface TestSmtp {
  /** The port, kept across goDown/comeBack so SMTP_URL stays valid. */
  port: number;
  url: string;
  /** Accepted messages, parsed, in arrival order. */
  messages: ParsedMail[];
  /** Stops listening: connections are refused, as when the mail server is down. */
  goDown(): Promise<void>;
  /** Listens again on the same port. */
  comeBack(): Promise<void>;
  stop(): Promise<void>;
}

function newServer(messages: ParsedMail[]): SMTPServer {
  return new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Nodemailer quits after each message; never wait the default 30 s for a straggler.
    closeTimeout: 200,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => { messages.push(mail); callback(); }, (err: Error) => callback(err));
    },
  });
}

async function listen(server: SMTPServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
}

const close = (server: SMTPServer): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/*
 * Ports below the kernel's ephemeral range (32768-60999 on Linux): while the server is down, no
 * server another test starts on port 0 can be handed its port, so a connection then is refused,
 * not answered by a stranger (an outbox test once got "Greeting never received" under CI load).
 */
const QUIET_PORTS = { from: 20_000, count: 10_000 };

async function listenOnQuietPort(server: SMTPServer): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = QUIET_PORTS.from + Math.floor(Math.random() * QUIET_PORTS.count);
    try {
      return await listen(server, port);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw err;
    }
  }
}

/** Starts an SMTP server on 127.0.0.1 and a free port (no auth required, no STARTTLS). */
export async function startTestSmtp(): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  let server: SMTPServer | undefined = newServer(messages);
  const port = await listenOnQuietPort(server);
  const goDown = async (): Promise<void> => {
    if (server) await close(server);
    server = undefined;
  };
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    goDown,
    async comeBack() {
      if (server) return;
      // A closed SMTPServer cannot listen again: a fresh one takes over the port.
      server = newServer(messages);
      await listen(server, port);
    },
    stop: goDown,
  };
}
