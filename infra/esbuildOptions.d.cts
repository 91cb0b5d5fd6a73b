import type { BuildOptions } from 'esbuild';

export declare const REQUIRE_BANNER: string;
export declare const NODE_TARGET: string;
export declare const FUNCTION_ENTRIES: Readonly<Record<string, string>>;
export declare const EXTENSION_NAME: string;
export declare const EXTENSION_ENTRY: string;
export declare function functionBuildOptions(format: 'esm' | 'cjs', minify?: boolean): BuildOptions;
export declare function extensionBuildOptions(): BuildOptions;
export declare function buildShutdownExtensionLayer(outdir: string): Promise<string>;
export declare const SLS_WORK_FOLDER: string;
export declare const SLS_BUILD_FOLDER: string;
