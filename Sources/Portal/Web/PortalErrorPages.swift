// PortalErrorPages: the middleware that turns whatever escapes a route (the router's own 404 for an
// unknown path, a framework error) into the portal's problem page, never a trace or a log line.

import Hummingbird

struct PortalErrorPagesMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    let pages: PortalPages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as PortalPickupError {
            return pages.problem(error)
        } catch let error as HTTPError {
            switch error.status.code {
            case 404, 405: return pages.problem(PortalPickupError.invalidLink)
            case 413: return pages.problem(PortalPickupError.tooLarge)
            case 400..<500: return pages.problem(PortalPickupError.badForm("request"))
            default: return pages.problem(PortalPickupError.damaged)
            }
        } catch {
            return pages.problem(PortalPickupError.damaged)
        }
    }
}
