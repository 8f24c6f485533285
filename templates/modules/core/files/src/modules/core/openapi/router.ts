import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';

/** `/openapi.json` and Swagger UI at `/docs`, both for the same prebuilt document. */
export function openApiRouter(document: object): Router {
  const router = Router();
  const body = JSON.stringify(document);
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(body);
  });
  // serveFiles keeps the document per app instance; `serve` + `setup` share one module-level copy.
  router.use('/docs', swaggerUi.serveFiles(document), swaggerUi.setup(document));
  return router;
}
