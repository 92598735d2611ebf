// Numerical building blocks for reference analyses (all own code over ml-matrix).
export { brentMinimize, brentRoot, type BrentResult } from './brent.js';
export { cholesky, cholSolve } from './cholesky.js';
export { fitGlm, logisticRegression, poissonRegression, type GlmFamily, type GlmFit, type GlmOptions } from './glm.js';
export { forwardBackward, logMatrix, logSumExp, viterbi, type ForwardBackward, type HmmInput } from './hmm.js';
export { lbfgs, numericGradient, type LbfgsOptions, type LbfgsResult, type ValueAndGradient } from './lbfgs.js';
export { asMatrix, gls, leastSquares, type DesignInput, type LinearFit } from './linear.js';
export { nelderMead, type MinimizeResult, type NelderMeadOptions } from './nelder-mead.js';
