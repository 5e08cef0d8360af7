// CSRF, security headers and CORS for Express.
export { csrfMiddleware, type ExpressRequestLike } from '../csrf/express.ts';
export {
  corsMiddleware,
  type ExpressResponseLike,
  type SecurityMiddleware,
  securityHeadersMiddleware,
} from '../headers/express.ts';
