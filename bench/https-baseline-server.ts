/**
 * The baseline for bench:sim: a bare Node HTTPS server that answers every request with a fixed
 * ARM-shaped JSON body, with the same kind of certificate. What the simulator costs is measured
 * against what any Node HTTPS server costs on this machine.
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import selfsigned from 'selfsigned';

const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
  keySize: 2048,
  algorithm: 'sha256',
  extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
});
const body = JSON.stringify({ id: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Media/mediaservices/a/streamingEndpoints/default', name: 'default', properties: { resourceState: 'Running', scaleUnits: 0 } });
const server = createServer({ key: pems.private, cert: pems.cert, keepAlive: true }, (req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, ca: pems.cert })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
