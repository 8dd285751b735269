import WebSocket from 'ws';

// The dashboards of the live benchmark, in a process of their own so that their CPU does
// not count as the server's. Driven by the parent over IPC:
//   parent → { url, token, clients, projectId }      child → { ready, baseline }
//   parent → { done, ackTimes, expectedFinal }        child → { result }

type Start = { url: string; token: string; clients: number; projectId: string };
type Done = { done: true; ackTimes: number[]; baseline: number };

const now = () => performance.timeOrigin + performance.now();

process.once('message', async (start: Start) => {
  const maxWrites = 100_000;
  const seenAt: Float64Array[] = [];
  const maxSeen: number[] = [];
  let baseline = -1;
  let received = 0;
  let snapshots = 0;
  const sockets: WebSocket[] = [];
  await new Promise<void>((resolve, reject) => {
    for (let i = 0; i < start.clients; i++) {
      const ws = new WebSocket(start.url, { headers: { authorization: `Bearer ${start.token}` }, perMessageDeflate: false });
      sockets.push(ws);
      const times = new Float64Array(4096).fill(0);
      seenAt.push(times);
      maxSeen.push(0);
      ws.on('error', reject);
      ws.on('message', (data) => {
        received++;
        const msg = JSON.parse(String(data));
        let counted: number | undefined;
        if (msg.type === 'snapshot') {
          const p = msg.projects.find((x: { project: { id: string } }) => x.project.id === start.projectId);
          counted = p?.progress.countedParcels;
          if (baseline < 0 && counted !== undefined) baseline = counted;
          if (++snapshots === start.clients) resolve();
          maxSeen[i] = counted ?? 0;
          return;
        }
        if (msg.type !== 'progress' || msg.projectId !== start.projectId) return;
        counted = msg.progress.countedParcels as number;
        const t = now();
        // Every write adds one parcel: the k-th write is visible once counted reaches baseline + k.
        for (let k = maxSeen[i] - baseline + 1; k <= Math.min(counted - baseline, maxWrites); k++) {
          if (k >= times.length) break;
          if (k > 0 && times[k] === 0) times[k] = t;
        }
        if (counted > maxSeen[i]) maxSeen[i] = counted;
      });
    }
  });
  const receivedAtReady = received;
  process.send!({ ready: true, baseline });

  process.once('message', (done: Done) => {
    const latencies: number[] = [];
    let missing = 0;
    for (let c = 0; c < start.clients; c++) {
      for (let k = 1; k <= done.ackTimes.length; k++) {
        const seen = seenAt[c][k];
        if (!seen) missing++;
        else latencies.push(Math.max(0, seen - done.ackTimes[k - 1]));
      }
    }
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
    const finalOk = maxSeen.every((m) => m === done.baseline + done.ackTimes.length);
    for (const ws of sockets) ws.terminate();
    process.send!({
      result: {
        samples: latencies.length,
        missing,
        p50: pct(50),
        p99: pct(99),
        max: latencies.at(-1) ?? NaN,
        messagesDuringWrites: received - receivedAtReady,
        everyClientEndedOnFinalFigure: finalOk,
      },
    });
    setTimeout(() => process.exit(0), 100);
  });
});
