/**
 * The shape of a Media Services job as the service keeps and answers it (Encoding.json,
 * 2022-07-01): every property the spec defines for the input's and outputs' `@odata.type` is kept
 * as the client sent it, nested values (clip times, input definitions, preset overrides) whole;
 * a read-only one sent (an output's state) is ignored, and one the spec does not define is
 * refused, naming the field (undefinedJobProperty). The answer adds what the
 * service fills in (the spec's Jobs_Create example answers a JobInputAsset sent without them
 * with `files: []` and `inputDefinitions: []`, and an output sent without a label with
 * `BuiltInStandardEncoderPreset_0`), and leaves out the query strings of `files` and `baseUri`,
 * which the spec says are never returned (a SAS token is a secret).
 */

type Json = Record<string, unknown>;

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MEDIA = '#Microsoft.Media.';

/** JobInputClip's properties, which JobInputAsset and JobInputHttp inherit. */
const CLIP = ['files', 'start', 'end', 'label', 'inputDefinitions'] as const;

/** The writable properties of each job input type, by `@odata.type`. */
const JOB_INPUT_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  [`${MEDIA}JobInputClip`]: CLIP,
  [`${MEDIA}JobInputAsset`]: [...CLIP, 'assetName'],
  [`${MEDIA}JobInputHttp`]: [...CLIP, 'baseUri'],
  [`${MEDIA}JobInputs`]: ['inputs'],
  [`${MEDIA}JobInputSequence`]: ['inputs'],
};

/** The writable properties of a JobOutputAsset (JobOutput's `presetOverride` and `label`, its own `assetName`). */
const OUTPUT = ['presetOverride', 'label', 'assetName'] as const;

/** JobOutput's read-only properties: the service's to set, ignored when sent. */
const OUTPUT_READ_ONLY = ['error', 'state', 'progress', 'startTime', 'endTime'] as const;

/** JobProperties, writable and read-only. */
const JOB = ['description', 'input', 'outputs', 'priority', 'correlationData', 'created', 'state', 'lastModified', 'startTime', 'endTime'] as const;

/** A property sent that the spec does not define: its path and what it was sent on. */
export interface UndefinedProperty {
  field: string;
  /** `a job`, or the `@odata.type` of the input or output. */
  of: string;
}

const stray = (value: Json, allowed: readonly string[], at: string, of = String(value['@odata.type'])): UndefinedProperty | undefined => {
  const name = Object.keys(value).find((k) => k !== '@odata.type' && !allowed.includes(k));
  return name === undefined ? undefined : { field: `${at}.${name}`, of };
};

/**
 * The first property of a job's `properties` that the spec does not define for its type (the
 * job, its input and nested inputs, its outputs), or undefined. Inputs of a type the spec does
 * not know are left to the caller, which refuses the type itself.
 */
export function undefinedJobProperty(props: Json): UndefinedProperty | undefined {
  const inInput = (input: unknown, at: string): UndefinedProperty | undefined => {
    if (!isRecord(input)) return undefined;
    const allowed = JOB_INPUT_PROPERTIES[String(input['@odata.type'])];
    if (allowed === undefined) return undefined;
    const own = stray(input, allowed, at);
    if (own !== undefined) return own;
    const inner = Array.isArray(input['inputs']) ? input['inputs'] : [];
    for (const [i, x] of inner.entries()) {
      const found = inInput(x, `${at}.inputs[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const outputs = Array.isArray(props['outputs']) ? props['outputs'] : [];
  return (
    stray(props, JOB, 'properties', 'a job') ??
    inInput(props['input'], 'properties.input') ??
    outputs.map((o, i) => (isRecord(o) ? stray(o, [...OUTPUT, ...OUTPUT_READ_ONLY], `properties.outputs[${i}]`) : undefined)).find((x) => x !== undefined)
  );
}

const isClip = (type: unknown): boolean => typeof type === 'string' && (JOB_INPUT_PROPERTIES[type] ?? []).includes('files');

function pick(value: Json, keys: readonly string[]): Json {
  const out: Json = { '@odata.type': value['@odata.type'] };
  for (const k of keys) if (value[k] !== undefined) out[k] = value[k];
  return out;
}

/** A job input as the service keeps it: its type's properties as sent, nested inputs likewise (one of a type the spec does not know keeps only its type). */
export function submittedInput(input: Json): Json {
  const kept = pick(input, JOB_INPUT_PROPERTIES[String(input['@odata.type'])] ?? []);
  if (Array.isArray(kept['inputs'])) kept['inputs'] = kept['inputs'].map((i) => (isRecord(i) ? submittedInput(i) : i));
  return kept;
}

/**
 * A job output as the service keeps it: its writable properties as sent, and the label the service gives
 * one sent without: '{presetName}_{outputIndex}', the preset being the transform output's at the
 * same index (the spec's description of JobOutput.label); the example's label shows that the
 * preset's name is its type (`BuiltInStandardEncoderPreset`), not its `presetName`.
 */
export function submittedOutput(output: Json, index: number, transformOutputs: unknown): Json {
  return labelled(pick(output, OUTPUT), index, transformOutputs);
}

/** A job output with its label: its own, or the default one (a job seeded without labels is answered with them). */
export function labelled(output: Json, index: number, transformOutputs: unknown): Json {
  if (output['label'] !== undefined) return output;
  const preset = Array.isArray(transformOutputs) && isRecord(transformOutputs[index]) ? transformOutputs[index]['preset'] : undefined;
  const type = isRecord(preset) ? preset['@odata.type'] : undefined;
  return typeof type === 'string' ? { ...output, label: `${type.replace(/^#Microsoft\.Media\./, '')}_${index}` } : output;
}

/** A URL or file name without its query string. */
const withoutQuery = (text: unknown): unknown => (typeof text === 'string' && text.includes('?') ? text.slice(0, text.indexOf('?')) : text);

/** A kept job input as the service answers it: clip defaults filled in, query strings left out. */
export function answeredInput(input: unknown): unknown {
  if (!isRecord(input)) return input;
  const out: Json = { ...input };
  if (isClip(input['@odata.type'])) {
    out['files'] = Array.isArray(input['files']) ? input['files'].map(withoutQuery) : [];
    out['inputDefinitions'] = input['inputDefinitions'] ?? [];
    if (input['baseUri'] !== undefined) out['baseUri'] = withoutQuery(input['baseUri']);
  }
  if (Array.isArray(input['inputs'])) out['inputs'] = input['inputs'].map(answeredInput);
  return out;
}

/**
 * Azure Blob Storage hosts, primary (`{account}.blob.core.windows.net`) or geo-secondary
 * (`{account}-secondary.blob.core.windows.net`): the account name is the first group.
 */
const BLOB_HOST = /^([a-z0-9]{3,24})(?:-secondary)?\.blob\.core\.windows\.net$/i;

/** The URLs a kept job input reads: a JobInputHttp's files, each appended to `baseUri` as the service does; nested inputs' too. */
function inputUrls(input: unknown): string[] {
  if (!isRecord(input)) return [];
  const nested = Array.isArray(input['inputs']) ? input['inputs'].flatMap(inputUrls) : [];
  if (input['@odata.type'] !== `${MEDIA}JobInputHttp` || !Array.isArray(input['files'])) return nested;
  const base = typeof input['baseUri'] === 'string' ? input['baseUri'] : '';
  return [...input['files'].filter((f): f is string => typeof f === 'string').map((f) => `${base}${f}`), ...nested];
}

/**
 * The first URL (without its query) a kept job input reads from a blob of one of `accounts`
 * (lower-case storage account names) without a SAS signature (`sig=`), or undefined. Such a blob
 * is private: without a SAS the service cannot download it.
 */
export function unsignedBlobUrl(input: unknown, accounts: ReadonlySet<string>): string | undefined {
  for (const text of inputUrls(input)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      continue;
    }
    const account = BLOB_HOST.exec(url.hostname)?.[1]?.toLowerCase();
    if (account !== undefined && accounts.has(account) && !url.searchParams.has('sig')) return `${url.origin}${url.pathname}`;
  }
  return undefined;
}
