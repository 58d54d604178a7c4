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
import { simBulkCertificateCommands } from './sim-bulk-certificate';
import { networkCommands } from './network';
import { platformStatusCommands } from './platform-status';
import { activelogCommands } from './activelog';
import { runSqlCommands } from './run-sql';
import { fipsCommands } from './utils-fips';
import { drsCommands } from './disaster-recovery';
import { simNodeCommands } from './sim-node';
import { versionCommands } from './versions';
import { simTrainingCommands } from './sim-training';
import { simClassroomCommands } from './sim-classroom';
import { reportPhonesCommands } from './sim-report-phones';
import { dashboardCommands } from './sim-dashboard';

export function allCommands(): CommandSpec[] {
  return [
    ...sessionCommands, ...systemCommands, ...showCertCommands, ...showItlCommands, ...serviceCommands,
    ...systemRestartCommands, ...ctlCommands, ...itlCommands, ...fileCommands, ...setCertCommands,
    ...csrCommands, ...certImportCommands, ...contactSearchCommands, ...risdbCommands,
    ...networkCommands, ...platformStatusCommands, ...activelogCommands, ...runSqlCommands, ...fipsCommands, ...drsCommands, ...simNodeCommands, ...versionCommands,
    ...simPhoneCommands, ...simClusterCommands, ...simLabCommands, ...simBulkCertificateCommands, ...simTrainingCommands, ...simClassroomCommands, ...reportPhonesCommands, ...dashboardCommands,
  ];
}
