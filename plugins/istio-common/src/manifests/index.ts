export * from './types';
export * from './namespace';
export * from './gateway';
export * from './virtualService';
export * from './destinationRule';
export * from './authorizationPolicy';
