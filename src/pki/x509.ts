// The single entry to @peculiar/x509: it throws at import unless reflect-metadata is loaded first,
// and it must use Node's WebCrypto, whose key generation runs in the libuv pool (truly async).
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
