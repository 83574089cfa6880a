export * from './lib/fixture-site';
