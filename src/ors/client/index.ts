// The genegym ORS client. See README "ORS client and benchmark".

export { OrsClient, type OrsClientOptions } from './client.js';
export { OrsEnvironmentClient, encodeSecretsHeader, type SessionOptions } from './environment-client.js';
export { OrsSession } from './session.js';
export {
  OrsConnectionError,
  OrsError,
  OrsHttpError,
  OrsProtocolError,
  OrsResumeError,
  OrsSessionDeadError,
  OrsToolFault,
} from './errors.js';
export { SseParser, readSse, type SseEvent } from './sse.js';
export {
  dropStrictNulls,
  reduceNullableUnions,
  StrictSchemaError,
  stripSchemaTitles,
  toStrictSchema,
  toAnthropicTool,
  toOpenAIChatTool,
  toOpenAIResponsesTool,
  toToolFormat,
  type AnthropicTool,
  type OpenAIFormatOptions,
  type OpenAIChatTool,
  type OpenAIResponsesTool,
  type ToolFormat,
} from './formats.js';
export type { Block, JsonObject, RunToolOutput, Split, ToolSpec } from '../types.js';
