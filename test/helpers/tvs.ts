// A TVS client for tests: one request line over TLS to a node's TVS listener.
import tls from 'node:tls';

/** Sends one request line; resolves with the answer line, or null when the door is shut. */
export function askTvs(port: number, line: string): Promise<string | null> {
  return new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => s.write(`${line}\n`));
    let got = '';
    s.setTimeout(5000, () => s.destroy());
    s.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\n')) {
        s.end();
        resolve(got.trim());
      }
    });
    s.on('error', () => resolve(null));
    s.on('close', () => resolve(got ? got.trim() : null));
  });
}
