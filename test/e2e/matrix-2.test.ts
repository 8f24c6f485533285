import { defineMatrix } from './matrix.js';

await defineMatrix();
