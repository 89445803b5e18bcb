export * from './hostOnGateway';
export * from './destinations';
export * from './gateways';
export * from './routes';
export * from './revisions';
export * from './virtualServices';
