// run sql <select statement>: read-only queries over CUCM-shaped tables of the lab, in the Informix layout.
import { CliError, type CommandSpec } from '../src/cli/command';
import { runSelect, informixLines, SqlError, MAX_SQL_ROWS } from '../src/cluster/sql';
import { phoneModels } from '../src/phones/models';

let enums: Map<string, number> | null = null;

export const runSqlCommands: CommandSpec[] = [
  {
    path: 'run sql',
    privilege: 1,
    args: [{ name: 'sql_statement', describe: 'a SELECT statement', required: true, rest: true }],
    description: [
      'This command runs a SELECT statement against the configuration database and prints the rows.',
      'Tables: device, typemodel, processnode, callmanager, devicepool, processconfig.',
    ],
    example: ['run sql select name,tkmodel from device where name like \'SEP%\''],
    async run(ctx, args) {
      enums ??= new Map([...phoneModels()].map(([name, m]) => [name, m.enum]));
      const phones = ctx.fleet.phones().map((p) => ({ name: p.name, description: p.description, model: p.model, device_pool: p.device_pool }));
      try {
        const result = runSelect(ctx.cluster, phones, enums, args.sql_statement);
        ctx.lines(informixLines(result));
        if (result.truncated) ctx.line(`(only the first ${MAX_SQL_ROWS} rows are shown)`);
      } catch (e) {
        if (e instanceof SqlError) throw new CliError([e.message]);
        throw e;
      }
    },
  },
];
