import { defineMatrix } from './matrix.js';

await defineMatrix(0, 2);
