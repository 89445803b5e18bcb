export * from './IstioApi';
export * from './IstioClient';
export * from './istioApiFactory';
