// The email action against a real SMTP server on loopback (Debian python3-aiosmtpd, started
// here): STARTTLS with a throwaway certificate, AUTH, the subject and body, the evidence files.
import assert from "node:assert/strict";
import { join } from "node:path";
import { emailSchema } from "../../alerts/actions/email.ts";
import { buildEvidence } from "../../alerts/actions/evidence.ts";
import { ACTIONS } from "../../alerts/actions/registry.ts";
import { resolveAlertsConfig } from "../../alerts/config.ts";
import { runAction } from "../../alerts/runner.ts";
import { pngSize } from "../../alerts/png/render.ts";
import { systemClock } from "../../engine/clock.ts";
import { rounds } from "../engine/helpers.ts";
import { event, tempDir } from "./helpers.ts";

const PYTHON = "/usr/bin/python3";
const SERVER = new URL("./smtp_server.py", import.meta.url).pathname;

async function succeeds(cmd: string, args: string[]): Promise<boolean> {
  try {
    return (await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output()).success;
  } catch {
    return false;
  }
}

async function skipReason(): Promise<string | null> {
  if (!await succeeds(PYTHON, ["-c", "import aiosmtpd"])) {
    return "python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd)";
  }
  if (!await succeeds("openssl", ["version"])) return "openssl is not installed";
  return null;
}

const skip = await skipReason();
if (skip) console.log(`email.test.ts: SMTP tests skipped: ${skip}`);

interface SmtpPeer {
  port: number;
  outDir: string;
  cert: string;
  stop(): Promise<void>;
}

async function startSmtp(tls: boolean): Promise<SmtpPeer> {
  const dir = tempDir("pingwatcher-smtp-");
  const outDir = join(dir, "out");
  Deno.mkdirSync(outDir);
  const cert = join(dir, "cert.pem"), key = join(dir, "key.pem");
  const args = [SERVER, outDir];
  if (tls) {
    const made = await succeeds("openssl", [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost"],
      ...["-days", "1", "-keyout", key, "-out", cert],
    ]);
    assert.ok(made, "openssl made a certificate");
    args.push(cert, key, "alerts", "pa55word");
  }
  const child = new Deno.Command(PYTHON, { args, stdin: "piped", stdout: "piped", stderr: "null" })
    .spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/READY \d+/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`smtp server exited: ${text}`);
    text += value;
  }
  const port = Number(text.match(/READY (\d+)/)![1]);
  return {
    port,
    outDir,
    cert,
    async stop() {
      await child.stdin.close();
      await reader.cancel();
      await child.status;
    },
  };
}

/** The leaf parts of a MIME message (nested multiparts opened), bodies decoded. */
function mimeParts(raw: string): { headers: string; body: string; bytes: Uint8Array }[] {
  const boundary = raw.match(/boundary="?([^";\r\n]+)"?/)?.[1];
  assert.ok(boundary, "a multipart message");
  return raw.split(`--${boundary}`).slice(1, -1).flatMap((part) => {
    const split = part.indexOf("\r\n\r\n");
    const headers = part.slice(0, split), encoded = part.slice(split + 4).trim();
    if (/content-type: multipart\//i.test(headers)) return mimeParts(part);
    let body = encoded;
    let bytes = new TextEncoder().encode(encoded);
    if (/content-transfer-encoding: base64/i.test(headers)) {
      bytes = Uint8Array.from(atob(encoded.replace(/\s/g, "")), (c) => c.charCodeAt(0));
      body = new TextDecoder().decode(bytes);
    } else if (/content-transfer-encoding: quoted-printable/i.test(headers)) {
      body = encoded.replace(/=\r\n/g, "").replace(
        /=([0-9A-F]{2})/g,
        (_, h) => String.fromCharCode(parseInt(h, 16)),
      );
    }
    return [{ headers, body, bytes }];
  });
}

function send(peer: SmtpPeer, smtp: Record<string, unknown>, image?: "png" | "svg") {
  const dataDir = tempDir();
  const config = resolveAlertsConfig({
    smtp: { host: "127.0.0.1", port: peer.port, from: "pingwatcher@lab.test", ...smtp },
  }, dataDir);
  const evidenceRounds = rounds(["10.0.0.1:1 10.0.0.9:3", "10.0.0.1:1 * ?"]);
  const evidence = buildEvidence(event(), evidenceRounds, { start: 0, end: 2000 });
  const action = emailSchema.parse({
    type: "email",
    to: ["noc@lab.test"],
    ...(image ? { image } : {}),
    retries: 0,
    timeoutMs: 20_000,
  });
  const run = runAction(ACTIONS.email, action, event(), {
    index: 0,
    stop: new AbortController().signal,
    context: {
      clock: systemClock,
      config,
      evidence: () => Promise.resolve(evidence),
      addTimelineComment: () => Promise.reject(new Error("unused")),
    },
  });
  return { run, evidence };
}

Deno.test({
  name: "email - STARTTLS and AUTH, a clear subject and body, the evidence attached",
  ignore: skip !== null,
  async fn() {
    const peer = await startSmtp(true);
    try {
      const { run, evidence } = send(peer, {
        user: "alerts",
        password: "pa55word",
        caFile: peer.cert,
        tlsServerName: "localhost",
      });
      const result = await run;
      assert.equal(result.ok, true, result.error ?? "");
      const envelope = JSON.parse(Deno.readTextFileSync(join(peer.outDir, "1.json")));
      assert.deepEqual(envelope, {
        mail_from: "pingwatcher@lab.test",
        rcpt_tos: ["noc@lab.test"],
        tls: true,
        authenticated: true,
      });
      const raw = Deno.readTextFileSync(join(peer.outDir, "1.eml"));
      assert.match(raw, /^Subject: \[PingWatcher\] FIRING: loss on the path on lab target\r$/m);
      const parts = mimeParts(raw);
      const text = parts.find((p) => /text\/plain/.test(p.headers) && !/filename/.test(p.headers))!;
      assert.match(text.body, /lossPct 60\.0 % >= 50 at hop 3 \(10\.0\.0\.9\)/);
      assert.match(text.body, /Target: +10\.0\.0\.9 \(lab target\)/);
      assert.match(text.body, /Agent: +local/, "the agent whose rounds raised it");
      const files = filesOf(parts);
      assert.deepEqual(Object.keys(files).sort(), ["hops.txt", "samples.csv", "timeline.png"]);
      assert.equal(files["samples.csv"].body.trim(), evidence.csv.trim());
      assert.match(files["hops.txt"].body, /^Hop +Address +Loss %/);
      // The picture is a real PNG of the SVG's size, shown inline by the HTML part.
      const png = files["timeline.png"];
      assert.match(png.headers, /content-type: image\/png/i);
      assert.match(png.headers, /content-id: <timeline@pingwatcher>/i);
      const svgSize = evidence.timelineSvg.match(/width="(\d+)" height="(\d+)"/)!;
      assert.deepEqual(pngSize(png.bytes), {
        width: Number(svgSize[1]),
        height: Number(svgSize[2]),
      });
      const html = parts.find((p) => /text\/html/.test(p.headers))!;
      assert.match(html.body, /<img src="cid:timeline@pingwatcher"/);
      assert.match(html.body, /lossPct 60\.0 %/);
    } finally {
      await peer.stop();
    }
  },
});

function filesOf(parts: ReturnType<typeof mimeParts>) {
  return Object.fromEntries(
    parts.filter((p) => /filename=/.test(p.headers)).map((p) => [
      p.headers.match(/filename="?([^";\r\n]+)/)![1].replace(/^target-1-[\dTZ-]+-/, ""),
      p,
    ]),
  );
}

Deno.test({
  name: "email - the timeline as SVG on request: attached, no HTML part",
  ignore: skip !== null,
  async fn() {
    const peer = await startSmtp(false);
    try {
      const sent = await send(peer, { starttls: "off" }, "svg").run;
      assert.equal(sent.ok, true, sent.error ?? "");
      const parts = mimeParts(Deno.readTextFileSync(join(peer.outDir, "1.eml")));
      const files = filesOf(parts);
      assert.deepEqual(Object.keys(files).sort(), ["hops.txt", "samples.csv", "timeline.svg"]);
      assert.match(files["timeline.svg"].body, /^<svg /);
      assert.equal(parts.some((p) => /text\/html/.test(p.headers)), false);
    } finally {
      await peer.stop();
    }
  },
});

Deno.test({
  name: "email - a wrong password fails and is recorded, the server's error kept",
  ignore: skip !== null,
  async fn() {
    const peer = await startSmtp(true);
    try {
      const result = await send(peer, {
        user: "alerts",
        password: "wrong",
        caFile: peer.cert,
        tlsServerName: "localhost",
      }).run;
      assert.equal(result.ok, false);
      assert.match(result.error!, /535|auth/i);
      assert.deepEqual([...Deno.readDirSync(peer.outDir)], [], "nothing delivered");
    } finally {
      await peer.stop();
    }
  },
});

Deno.test({
  name: "email - STARTTLS required refuses a server without it; 'off' sends in the clear",
  ignore: skip !== null,
  async fn() {
    const peer = await startSmtp(false);
    try {
      const refused = await send(peer, {}).run;
      assert.equal(refused.ok, false);
      assert.match(refused.error!, /STARTTLS/i);
      const sent = await send(peer, { starttls: "off" }).run;
      assert.equal(sent.ok, true, sent.error ?? "");
      const envelope = JSON.parse(Deno.readTextFileSync(join(peer.outDir, "1.json")));
      assert.equal(envelope.tls, false);
    } finally {
      await peer.stop();
    }
  },
});
