// Password and keyboard-interactive authentication for an ssh2 server connection: both methods
// check the same password, since OpenSSH, PuTTY, Paramiko and Unicon differ in which they try.
// Like sshd's MaxAuthTries, a connection is dropped after a number of failed passwords.
import type { Connection, AuthContext } from 'ssh2';

const METHODS: AuthContext['method'][] = ['password', 'keyboard-interactive'];

/** sshd's default MaxAuthTries. */
export const MAX_AUTH_TRIES = 6;
/** Authentication requests of any method a connection may make (other methods cost nothing, but are bounded). */
const MAX_AUTH_REQUESTS = 30;

export function acceptPasswords(
  client: Connection,
  check: (user: string, password: string) => Promise<boolean>,
  maxTries = MAX_AUTH_TRIES,
): void {
  let failures = 0;
  let requests = 0;
  let done = false;
  const tooMany = () => {
    done = true;
    client.end(); // "Too many authentication failures": the connection is closed
  };
  client.on('authentication', (ctx) => {
    if (done) return;
    const answer = (ok: boolean) => {
      if (ok) return ctx.accept();
      ctx.reject(METHODS);
      if (++failures >= maxTries) tooMany();
    };
    const verify = (password: string) => check(ctx.username, password).then(answer, () => answer(false));
    if (++requests > MAX_AUTH_REQUESTS) {
      ctx.reject(METHODS);
      return tooMany();
    }
    if (ctx.method === 'password') {
      void verify(ctx.password);
    } else if (ctx.method === 'keyboard-interactive') {
      ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => void verify(answers[0] ?? ''));
    } else {
      ctx.reject(METHODS);
    }
  });
}
