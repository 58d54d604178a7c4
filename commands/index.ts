// Every command family, in the order help lists them (platform commands first, then `sim`).
import type { CommandSpec } from '../src/cli/command';
import { sessionCommands } from './session';
import { systemCommands } from './show-system';
import { serviceCommands } from './utils-service';
import { showCertCommands } from './show-cert';
import { systemRestartCommands } from './utils-system';
import { showItlCommands } from './show-itl';
import { ctlCommands } from './utils-ctl';
import { itlCommands } from './utils-itl';
import { fileCommands } from './file';
import { setCertCommands } from './set-cert';
import { simPhoneCommands } from './sim-phone';
import { simClusterCommands } from './sim-cluster';
import { contactSearchCommands } from './contact-search';
import { risdbCommands } from './show-risdb';
import { csrCommands } from './csr';
import { certImportCommands } from './cert-import';
import { simLabCommands } from './sim-lab';
import { reportPhonesCommands } from './sim-report-phones';
import { dashboardCommands } from './sim-dashboard';

export function allCommands(): CommandSpec[] {
  return [
    ...sessionCommands, ...systemCommands, ...showCertCommands, ...showItlCommands, ...serviceCommands,
    ...systemRestartCommands, ...ctlCommands, ...itlCommands, ...fileCommands, ...setCertCommands,
    ...csrCommands, ...certImportCommands, ...contactSearchCommands, ...risdbCommands,
    ...simPhoneCommands, ...simClusterCommands, ...simLabCommands, ...reportPhonesCommands, ...dashboardCommands,
  ];
}
