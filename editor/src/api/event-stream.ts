/** Reads a Server-Sent Events body (the server's streamed test run) event by event. */

export interface ServerEvent {
  readonly event: string;
  readonly data: string;
}

/** Splits one event block into its name (default `message`) and data; comment-only blocks give undefined. */
function parseBlock(block: string): ServerEvent | undefined {
  let event = "message";
  const data: string[] = [];
  for (const line of block.split(/\r\n|\r|\n/)) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return data.length === 0 ? undefined : { event, data: data.join("\n") };
}

/** The events of a stream, in order, as they arrive; ends when the server ends the stream. */
export async function* serverEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const chunk = await reader.read();
      buffer += chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
      let end = /\r?\n\r?\n/.exec(buffer);
      while (end !== null) {
        const parsed = parseBlock(buffer.slice(0, end.index));
        buffer = buffer.slice(end.index + end[0].length);
        if (parsed !== undefined) yield parsed;
        end = /\r?\n\r?\n/.exec(buffer);
      }
      if (chunk.done) return;
    }
  } finally {
    reader.releaseLock();
  }
}
