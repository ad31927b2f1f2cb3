export const RUN_USAGE_HINT = 'Usage: cosmos run DIR --port N [--host H --allow-remote] (see cosmos run --help)';
