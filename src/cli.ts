#!/usr/bin/env node
import cluster from 'node:cluster';
import { runPrimary } from './cluster/primary';
import { workerCount } from './cluster/worker-count';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config/loader';
import { baseUrlWarnings } from './drivers/base-url';
import { loadConfig } from './gateway-config';
import { inboundRegistry } from './inbound/registry';
import { exitOnSignals, startGateway, StartError } from './main';
import { configSecrets } from './observability/config-secrets';
import { createLogger } from './observability/logger';

const USAGE = `usage: omgw [command] [options]

commands:
  start [--config FILE]         run the gateway (the command when none is given, so \`omgw\` and
                                \`omgw --config FILE\` start it too)
  check-config [FILE]           validate a config file and exit: 0 when valid, 1 listing every problem;
                                without FILE, the one \`start\` would read
  help                          this text
  --version                     the version of omgw

config file: --config FILE, else $OMGW_CONFIG, else ./config/gateway.yaml when it exists, else built-in
defaults (every dialect enabled, every service on the embedded contact center). YAML or JSON; \${VAR} and
\${VAR:-default} are read from the environment. $PORT overrides server.port.

exit status: 0 success (and after a graceful SIGTERM/SIGINT shutdown), 1 invalid config or failure, 2 usage error`;

/** A mistake on the command line: reported with the usage, exit status 2. */
class UsageError extends Error {}

interface Parsed {
  config?: string;
  positional: string[];
}

/** `--config FILE` or `--config=FILE`; anything else starting with `-` is refused rather than ignored. */
function parseArgs(args: string[]): Parsed {
  const parsed: Parsed = { positional: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--config' || arg.startsWith('--config=')) {
      const value = arg === '--config' ? args[++i] : arg.slice('--config='.length);
      if (!value || value.startsWith('-')) throw new UsageError('--config needs a file');
      if (parsed.config !== undefined) throw new UsageError('--config given twice');
      parsed.config = value;
    } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option "${arg}"`);
    else parsed.positional.push(arg);
  }
  return parsed;
}

async function start(args: string[]): Promise<number | undefined> {
  const { config: file, positional } = parseArgs(args);
  if (positional.length > 0) throw new UsageError(`start takes no argument "${positional[0]}" (use --config FILE)`);
  const { config, source } = loadConfig(file);
  const logger = createLogger({ level: config.logging.level, sensitiveKeys: config.logging.sensitiveKeys, secrets: configSecrets(config) });
  const listeningFields = { config: source, backends: Object.keys(config.backends) };
  const workers = workerCount(config.server.workers);
  if (workers > 1 && cluster.isPrimary) {
    // Each worker re-runs this command with the same arguments and environment, so reads the same config.
    return runPrimary({ workers, shutdownTimeoutMs: config.server.shutdownTimeoutMs, logger, listeningFields });
  }
  const running = await startGateway(config, logger);
  if (cluster.isWorker) {
    exitOnSignals(running, logger, ['SIGTERM']);
    return undefined;
  }
  exitOnSignals(running, logger);
  logger.info('listening', { url: running.url, ...listeningFields });
  // Running: the process ends from a signal handler.
  return undefined;
}

function checkConfig(args: string[]): number {
  const { config: option, positional } = parseArgs(args);
  if (positional.length > 1 || (option !== undefined && positional.length > 0)) throw new UsageError('check-config takes one file');
  const { source, config } = loadConfig(option ?? positional[0]);
  // What `start` would serve: a dialect enabled in the config and implemented in this build.
  const served = Object.entries(config.inbound)
    .filter(([name, d]) => d.enabled && Object.hasOwn(inboundRegistry, name))
    .map(([name]) => name);
  process.stdout.write(
    `${source}: valid — dialects served: ${served.join(', ') || 'none'}; backends: ${Object.keys(config.backends).join(', ')}; ` +
      `${config.routes.length} route(s); port ${config.server.port}\n`,
  );
  for (const warning of baseUrlWarnings(config.backends)) process.stdout.write(`warning: ${warning}\n`);
  return 0;
}

/** The version of the package this build came from (dist/cli.js sits one level below package.json). */
function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

async function main(argv: string[]): Promise<number | undefined> {
  // No command, or options only, means start: `docker run image --config /etc/omgw.yaml` works as expected.
  const first = argv[0];
  const [command, args] = first === undefined || (first.startsWith('-') && !['-h', '--help', '-v', '--version'].includes(first)) ? ['start', argv] : [first, argv.slice(1)];
  switch (command) {
    case 'start':
      return start(args);
    case 'check-config':
      return checkConfig(args);
    case '--version':
    case '-v':
    case 'version':
      process.stdout.write(`omgw ${version()}\n`);
      return 0;
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`omgw: ${err.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    if (err instanceof ConfigError || err instanceof StartError) process.stderr.write(`omgw: ${err.message}\n`);
    else process.stderr.write(`omgw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
