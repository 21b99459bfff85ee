// Downloads a streamed answer through a real socket, line by line, reading the live heap (after a
// forced collection) every 10,000 lines: a route that buffers its rows shows up as heap growth.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Express } from 'express';

export interface Download {
  status: number;
  contentType: string;
  bytes: number;
  lines: number;
  /** Live heap at its highest during the download, minus before it. */
  heapGrowth: number;
  /** The first few KB, as text. */
  head: string;
}

export async function streamedDownload(app: Express, path: string, headers: Record<string, string>, onLine: (line: string) => void = () => undefined): Promise<Download> {
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  // Live memory, not garbage waiting for the collector: collect before each reading.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const liveHeap = () => {
    gc();
    return process.memoryUsage().heapUsed;
  };
  const baseline = liveHeap();
  const got = { status: 0, contentType: '', bytes: 0, lines: 0, heapGrowth: 0, head: '' };
  let peak = baseline;
  let nextReading = 10_000;
  let tail = '';
  try {
    await new Promise<void>((resolve, reject) => {
      http
        .get({ port, path, headers }, (response) => {
          got.status = response.statusCode ?? 0;
          got.contentType = String(response.headers['content-type'] ?? '');
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            got.bytes += Buffer.byteLength(chunk);
            if (got.head.length < 4000) got.head += chunk;
            const parts = (tail + chunk).split('\n');
            tail = parts.pop() ?? '';
            for (const line of parts) onLine(line);
            got.lines += parts.length;
            if (got.lines >= nextReading) {
              peak = Math.max(peak, liveHeap());
              nextReading += 10_000;
            }
          });
          response.on('end', () => {
            if (tail) {
              onLine(tail);
              got.lines += 1;
            }
            resolve();
          });
          response.on('error', reject);
        })
        .on('error', reject);
    });
  } finally {
    server.close();
  }
  return { ...got, heapGrowth: peak - baseline };
}
