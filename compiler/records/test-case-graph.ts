/**
 * A record test case's graph as a whole graph document: test cases may omit the envelope
 * (`format`, `tool`), and `$FIXTURE_URL` in them names the HTTP server the case runs against.
 */
export function testCaseGraph(graph: Readonly<Record<string, unknown>>, toolName: string, fixtureUrl: string): unknown {
  const text = JSON.stringify({ format: "toolwright.graph/v1", tool: { name: toolName }, ...graph });
  return JSON.parse(text.replaceAll("$FIXTURE_URL", fixtureUrl)) as unknown;
}
