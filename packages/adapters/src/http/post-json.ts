import { errorDetail, httpFailure, malformedAnswer, networkFailure } from './upstream-failure.js';

export interface PostJsonRequest {
  service: string;
  /** How errors name the service (`Gemini`). */
  label: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  timeoutMs: number;
  /** Removed from any error message that could echo it. */
  secret?: string;
}

/** One POST of a JSON body; the parsed JSON answer, or an `UpstreamHttpError` saying whether to retry. */
export async function postJson(req: PostJsonRequest): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...req.headers },
      body: JSON.stringify(req.body),
      signal: AbortSignal.timeout(req.timeoutMs),
    });
  } catch (err) {
    throw networkFailure(req.service, req.label, err);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw networkFailure(req.service, req.label, err);
  }
  const json = parse(text);
  if (!res.ok) {
    throw httpFailure(req.service, req.label, res.status, res.headers, errorDetail(json ?? text), req.secret);
  }
  if (json === undefined) throw malformedAnswer(req.service, req.label, 'not JSON');
  return json;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
