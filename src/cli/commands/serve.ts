/**
 * `cardiosynth serve [--port N] [--json]`: the browser door. Prints exactly one line on stdout (the URL with
 * its token, or that as JSON) and runs until SIGINT/SIGTERM. Everything else goes to stderr.
 */
import { NOT_BUILT_MESSAGE, startServer } from '../../main/serve/server.ts';
import { createHandlers } from '../../main/handlers.ts';
import { paths, userDataDir } from '../../main/paths.ts';
import { createServices } from '../../main/services/index.ts';
import { EXIT_FAILED, EXIT_OK, UsageError, err, intOption, out, parse, type Command } from '../usage.ts';

const HELP = `Usage: cardiosynth serve [--port N] [--json]

Serves the Cardiosynth UI to a browser on this machine (127.0.0.1 only) and prints the URL to open:

  Cardiosynth serving at http://127.0.0.1:PORT/?token=TOKEN

The token is new on every start and is required on every request. To use it from another machine, forward
the port over SSH (ssh -L PORT:127.0.0.1:PORT host) and open the printed URL there. At start the embedded
demo dataset (synthetic phantom hearts, CAMUS layout) is imported into the catalog of the data folder (once;
later starts read nothing), and the page opens one of its studies with the embedded model pack ready to
generate. Stop with Ctrl-C (SIGINT) or SIGTERM.

  --port N    the port to listen on (default 0: any free port)
  --json      print {"url": ..., "port": ..., "token": ...} on one line instead
  -h, --help  show this help

Needs the built UI (out/renderer): run \`npm run build\` first.
`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the UI to a browser on 127.0.0.1 with a per-run token',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parse({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { port: { type: 'string' }, json: { type: 'boolean' } },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}".`);
    const port = intOption(values.port, 'port', 0, 65535);

    const services = createServices({ resourcesDir: paths.resources, dataDir: userDataDir() });
    // The demo import runs as a job while the server starts; the page follows it (start.plan).
    const demo = services.firstStart.prepare();
    if (demo) {
      void services.jobs.settled(demo.id).then((j) => {
        if (j.state === 'failed') err(`cardiosynth serve: demo dataset ${services.firstStart.demoRoot}: ${j.error?.message ?? 'import failed'}`);
      });
    }

    let server;
    try {
      server = await startServer({ port, rendererDir: paths.rendererDir, handlers: createHandlers(services, 'serve') });
    } catch (e) {
      err(`cardiosynth serve: cannot listen on 127.0.0.1:${port}: ${e instanceof Error ? e.message : String(e)}`);
      return EXIT_FAILED;
    }
    if (!server.rendererBuilt) err(`cardiosynth serve: ${NOT_BUILT_MESSAGE} (looked in ${paths.rendererDir})`);

    const stopped = new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    await out(
      values.json
        ? JSON.stringify({ url: server.url, port: server.port, token: server.token }) + '\n'
        : `Cardiosynth serving at ${server.url}\n`,
    );
    const signal = await stopped;
    await server.close();
    err(`cardiosynth serve: stopped (${signal}).`);
    return EXIT_OK;
  },
};
