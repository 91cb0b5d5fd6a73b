// Lambda entry point for Kinesis event source mappings. Configuration comes from environment
// variables, validated here at cold start (README "Configuration").
import { handlerOptionsFromEnv } from '../src/config/handlerOptionsFromEnv.ts';
import { createKinesisHandler } from '../src/runtime/handlers.ts';

export const handler = createKinesisHandler(handlerOptionsFromEnv(process.env));
