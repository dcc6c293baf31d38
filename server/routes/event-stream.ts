/** A Server-Sent Events response (text/event-stream): named events with JSON data. */
import type { Request, Response } from "express";

/** A comment line this often keeps proxies from closing an idle stream during a slow node. */
const KEEP_ALIVE_MS = 15_000;

export interface EventStream {
  send(event: string, data: unknown): void;
  end(): void;
}

/** Whether the client asked for a stream (`Accept: text/event-stream`) rather than one JSON answer. */
export function wantsEventStream(req: Request): boolean {
  return req.accepts(["application/json", "text/event-stream"]) === "text/event-stream";
}

/** Sends the headers at once (status 200) and returns a writer for the events. */
export function openEventStream(res: Response): EventStream {
  res.status(200).set({ "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" });
  res.flushHeaders();
  const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), KEEP_ALIVE_MS);
  const stop = (): void => {
    clearInterval(keepAlive);
  };
  res.on("close", stop);
  return {
    send(event, data) {
      // JSON has no raw newlines, so each event's data is one `data:` line.
      if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      stop();
      if (!res.writableEnded) res.end();
    },
  };
}
