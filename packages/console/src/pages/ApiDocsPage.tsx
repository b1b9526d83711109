// /openapi.json rendered: the API by tag, each call's request fields, and every callback with its
// body, an example, and the answer it accepts.

import { JsonBlock } from '../components/JsonBlock';
import { SchemaTable } from '../components/SchemaTable';
import { useLoad } from '../useLoad';

type JsonSchema = { [keyword: string]: unknown };

interface MediaType {
  schema: JsonSchema;
  example?: unknown;
}

interface Operation {
  tags?: string[];
  summary?: string;
  description?: string;
  security?: unknown[];
  requestBody?: { content: Record<string, MediaType> };
  responses?: Record<string, { content?: Record<string, MediaType> }>;
}

interface OpenApi {
  info: { title: string; version: string; description: string };
  tags: { name: string; description: string }[];
  paths: Record<string, Partial<Record<'get' | 'post', Operation>>>;
  webhooks: Record<string, { post: Operation }>;
}

const jsonOf = (op: Operation | undefined, part: 'request' | 'answer'): MediaType | undefined =>
  part === 'request'
    ? op?.requestBody?.content['application/json']
    : op?.responses?.['200']?.content?.['application/json'];

function Call({ path, method, op }: { path: string; method: string; op: Operation }) {
  const body = jsonOf(op, 'request');
  return (
    <details className="call" id={path}>
      <summary>
        <span className="method">{method.toUpperCase()}</span> <span className="mono">{path}</span>
        {op.security?.length === 0 && <span className="muted small"> no token</span>}
        {op.summary && <span className="muted small"> — {op.summary}</span>}
      </summary>
      {body ? <SchemaTable schema={body.schema} /> : <p className="muted small">No body.</p>}
    </details>
  );
}

function Callback({ name, op }: { name: string; op: Operation }) {
  const request = jsonOf(op, 'request');
  const answer = jsonOf(op, 'answer');
  return (
    <details className="call" id={name}>
      <summary>
        <span className="mono">{name}</span> <span className="muted small">— {op.summary}</span>
      </summary>
      <p className="small">{op.description}</p>
      <h4>Body</h4>
      {request && <SchemaTable schema={request.schema} />}
      {request?.example !== undefined && (
        <details>
          <summary>Example</summary>
          <JsonBlock value={request.example} />
        </details>
      )}
      <h4>Answer</h4>
      {answer && <SchemaTable schema={answer.schema} />}
    </details>
  );
}

export function ApiDocsPage() {
  const { data, error } = useLoad(async () => (await fetch('/openapi.json')).json() as Promise<OpenApi>, []);
  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const operations = Object.entries(data.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op: op! })),
  );
  return (
    <section>
      <h1>
        API <span className="muted small">OpenAPI {data.info.version}</span>
      </h1>
      <p>
        {data.info.description} The document: <a href="/openapi.json">/openapi.json</a>.
      </p>
      {data.tags
        .filter((t) => operations.some((o) => o.op.tags?.includes(t.name)))
        .map((tag) => (
          <div key={tag.name}>
            <h2>{tag.name}</h2>
            <p className="muted">{tag.description}</p>
            {operations
              .filter((o) => o.op.tags?.includes(tag.name))
              .map((o) => (
                <Call key={`${o.method} ${o.path}`} {...o} />
              ))}
          </div>
        ))}
      <h2>Callbacks</h2>
      <p className="muted">What huddle sends your business server.</p>
      {Object.entries(data.webhooks).map(([name, item]) => (
        <Callback key={name} name={name} op={item.post} />
      ))}
    </section>
  );
}
