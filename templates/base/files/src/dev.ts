/*
 * `npm run dev`: the app in development mode (error detail in answers, plain cookies) unless NODE_ENV says
 * otherwise. The app's own default is production, so an unset NODE_ENV anywhere else is the safe one.
 */
process.env.NODE_ENV ??= 'development';
await import('./main.js');
