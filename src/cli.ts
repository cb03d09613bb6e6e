#!/usr/bin/env node
import { ConfigError, loadConfig } from './config/loader';
import { exitOnSignals, startGateway } from './main';
import { createLogger } from './observability/logger';

const USAGE = `usage: omgw <command> [options]

commands:
  start [--config FILE]     run the gateway (config: --config, else $OMGW_CONFIG, else ./config/gateway.yaml,
                            else built-in defaults: every dialect on the embedded contact center); $PORT overrides server.port
  check-config FILE         validate a config file and exit (non-zero when invalid)
  help                      this text`;

function optionValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i !== -1) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

async function main(argv: string[]): Promise<number> {
  const [command = 'start', ...args] = argv;
  switch (command) {
    case 'start': {
      if (args.includes('--config') && !optionValue(args, '--config')) {
        process.stderr.write('--config needs a file\n');
        return 2;
      }
      const { config, source } = loadConfig(optionValue(args, '--config'));
      const logger = createLogger({ level: config.logging.level, sensitiveKeys: config.logging.sensitiveKeys });
      const running = await startGateway(config, logger);
      exitOnSignals(running, logger);
      logger.info('listening', { url: running.url, config: source, backends: Object.keys(config.backends) });
      return -1;
    }
    case 'check-config': {
      const file = args.find((a) => !a.startsWith('--')) ?? optionValue(args, '--config');
      if (!file) {
        process.stderr.write('check-config needs a file\n');
        return 2;
      }
      const { source, config } = loadConfig(file);
      process.stdout.write(`${source}: valid (${Object.keys(config.backends).length} backend(s), ${config.routes.length} route(s))\n`);
      return 0;
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      process.stderr.write(`unknown command "${command}"\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
