// Lambda entry point for SQS (standard and FIFO) event source mappings. Configuration comes from
// environment variables, validated here at cold start (README "Configuration").
import { handlerOptionsFromEnv } from '../src/config/handlerOptionsFromEnv.ts';
import { createSqsHandler } from '../src/runtime/handlers.ts';

export const handler = createSqsHandler(handlerOptionsFromEnv(process.env));
