// Fuzzing perf input: see check.ts for the property and mutate.ts for the inputs.

import { describeFuzz } from './check.js';

describeFuzz('perf');
