/**
 * Everything heavy the extension needs only once the user does something: the agent (zod, chokidar, the
 * rules, the journal), the Ollama client, the scenario generator. esbuild.mjs builds this file as its own
 * bundle (dist/node-runtime.js) and keeps it out of dist/extension.js, so activation loads only the
 * surfaces; `loadNodeRuntime()` requires it on first use.
 */
export { createNodeAgent, JOURNAL_FILE } from '../../adapters/node/create-node-agent';
export { makeConfig } from '../../core/config/config';
export { OllamaLlm } from '../../adapters/ollama/ollama-llm';
export { FileJournal } from '../../adapters/node/file-journal';
export { SCENARIO_NAMES, scenarioByName } from '../../core/generate/scenarios';
export { writeScenario } from '../../adapters/node/scenario-writer';
