export * from './certificates';
export * from './pkcs12';
export * from './show-cert';
export { javaDate } from '../clock/dates';
export * from './pkcs12-certs';
