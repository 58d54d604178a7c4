// Password and keyboard-interactive authentication for an ssh2 server connection: both methods
// check the same password, since OpenSSH, PuTTY, Paramiko and Unicon differ in which they try.
import type { Connection, AuthContext } from 'ssh2';

const METHODS: AuthContext['method'][] = ['password', 'keyboard-interactive'];

export function acceptPasswords(client: Connection, check: (user: string, password: string) => Promise<boolean>): void {
  client.on('authentication', (ctx) => {
    const answer = (ok: boolean) => (ok ? ctx.accept() : ctx.reject(METHODS));
    if (ctx.method === 'password') {
      check(ctx.username, ctx.password).then(answer, () => ctx.reject(METHODS));
    } else if (ctx.method === 'keyboard-interactive') {
      ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
        check(ctx.username, answers[0] ?? '').then(answer, () => ctx.reject(METHODS));
      });
    } else {
      ctx.reject(METHODS);
    }
  });
}
