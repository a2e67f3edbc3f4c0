export { BACKEND_CHOICES, selectBackend, type BackendChoice } from './select-backend.js';
