// The test switch (docs/spec/transparency-v1.md §7.3): TRANSPARENCY_TEST_SWITCH lets the Worker
// tests, the e2e harness and the bench play a dishonest directory or drop the lookup proofs. It
// is honoured only with ENVIRONMENT = "development"; anywhere else it is off here and its mere
// presence refuses the account routes (http/config.ts configProblems).

import type { Bindings } from '../env.ts';
import { isDevelopment } from '../http/config.ts';

export type TestSwitchFlag = 'attacks' | 'no-lookup-proofs';

export function testSwitchOn(
  env: Pick<Bindings, 'ENVIRONMENT' | 'TRANSPARENCY_TEST_SWITCH'>,
  flag: TestSwitchFlag,
): boolean {
  if (!isDevelopment(env) || !env.TRANSPARENCY_TEST_SWITCH) return false;
  return env.TRANSPARENCY_TEST_SWITCH.split(',').some((f) => f.trim() === flag);
}
