import { connect } from 'node:net';

/** Sends `head` byte for byte (fetch cannot send two Host headers) and answers status and body. */
export function rawRequest(url: string, head: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`${head}\r\n\r\n`));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const [status] = /^HTTP\/1\.1 (\d{3})/.exec(text)?.slice(1) ?? ['0'];
      resolve({ status: Number(status), body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}
