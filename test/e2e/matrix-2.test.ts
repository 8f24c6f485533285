import { defineMatrix } from './matrix.js';

await defineMatrix(1, 2);
