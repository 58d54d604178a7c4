// The server's KEXINIT goes out in answer to the client's (see src/ssh/kexinit-order.ts): what the SSH
// layer writes after the client's identification line waits for the client's next bytes, or a short hold.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { kexInitInAnswer } from '../../src/ssh/kexinit-order';
import { within } from '../helpers/wait';

/** The parts of a socket kexInitInAnswer uses; `sent` is what reached the wire, in order. */
class FakeSocket extends EventEmitter {
  sent: string[] = [];
  destroyed = false;
  write(chunk: string): boolean {
    this.sent.push(chunk);
    return true;
  }
  /** bytes from the client, as a read delivers them */
  receive(s: string): void {
    this.emit('data', Buffer.from(s));
  }
}

/** A fake socket with kexInitInAnswer on it and, listening after it, an SSH layer that answers the client's
 *  identification line with its KEXINIT (as ssh2 does). `seen` records when the layer read each chunk. */
function setup(holdMs = 60_000) {
  const sock = new FakeSocket();
  kexInitInAnswer(sock as unknown as net.Socket, holdMs);
  const seen: string[] = [];
  sock.write('SSH-2.0-server\r\n');
  sock.on('data', (d: Buffer) => {
    seen.push(`read ${d.toString()} after ${sock.sent.length} sent`);
    if (d.includes(0x0a)) sock.write('KEXINIT-S');
  });
  return { sock, seen };
}

describe('SSH server KEXINIT in answer to the client\'s', () => {
  it('holds what follows the client\'s identification line until the client sends more', () => {
    const { sock } = setup();
    sock.receive('SSH-2.0-client\r\n');
    assert.deepEqual(sock.sent, ['SSH-2.0-server\r\n'], 'our identification line goes out at once, our KEXINIT waits');
    sock.receive('KEXINIT-C');
    assert.deepEqual(sock.sent, ['SSH-2.0-server\r\n', 'KEXINIT-S']);
    sock.write('KEXDH-REPLY');
    assert.deepEqual(sock.sent, ['SSH-2.0-server\r\n', 'KEXINIT-S', 'KEXDH-REPLY'], 'later writes go straight out');
  });

  it('sends the held KEXINIT before the SSH layer reads the client\'s', () => {
    const { sock, seen } = setup();
    sock.receive('SSH-2.0-client\r\n');
    sock.receive('KEXINIT-C');
    assert.deepEqual(seen, ['read SSH-2.0-client\r\n after 1 sent', 'read KEXINIT-C after 2 sent']);
  });

  it('holds nothing when the identification line and the KEXINIT come in one read', () => {
    const { sock } = setup();
    sock.receive('SSH-2.0-client\r\nKEXINIT-C');
    assert.deepEqual(sock.sent, ['SSH-2.0-server\r\n', 'KEXINIT-S']);
  });

  it('finds the end of an identification line split over several reads', () => {
    const { sock } = setup();
    sock.receive('SSH-2.0-cli');
    sock.receive('ent\r');
    sock.write('early'); // before the line has ended: not held
    sock.receive('\n');
    assert.deepEqual(sock.sent, ['SSH-2.0-server\r\n', 'early']);
    sock.receive('KEXINIT-C');
    assert.deepEqual(sock.sent, ['SSH-2.0-server\r\n', 'early', 'KEXINIT-S']);
  });

  it('writes nothing held once the socket has closed', () => {
    const { sock } = setup();
    sock.receive('SSH-2.0-client\r\n');
    sock.destroyed = true;
    sock.emit('close');
    sock.receive('KEXINIT-C');
    assert.deepEqual(sock.sent, ['SSH-2.0-server\r\n']);
  });

  it('a client that waits for our KEXINIT before sending its own gets it after the hold', async () => {
    const server = net.createServer((sock) => {
      kexInitInAnswer(sock, 20);
      sock.write('SSH-2.0-server\r\n');
      sock.once('data', () => sock.write('KEXINIT-S'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    try {
      let got = '';
      const kexinit = new Promise<void>((resolve) => {
        client.on('data', (d) => {
          got += d.toString();
          if (got.includes('KEXINIT-S')) resolve();
        });
      });
      client.write('SSH-2.0-client\r\n'); // and nothing more until the server's KEXINIT has come
      await within(kexinit, 10_000, 'the server\'s KEXINIT');
      assert.equal(got, 'SSH-2.0-server\r\nKEXINIT-S');
    } finally {
      client.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
