import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  Optional,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTH_REQUIREMENT, ADMIN_SCOPE, Scope } from './auth.constants';
import { AuthMessages } from './auth.messages';
import { AuthOptionsError } from './errors/auth-options.error';
import { Authenticator } from './authenticator.service';
import { apiKeyFromHeaders } from './credential.util';
import { Principal, hasScope } from './principal.interface';
import { setPrincipal } from './request-principal.util';

/** What a route asks of its caller: a scope, or only to be told who calls when a key is given. */
export type AuthRequirement = { scope: Scope } | { optional: true };

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
}
interface HttpReply {
  header(name: string, value: string): unknown;
}

/**
 * Checks the key of every request to a route marked with `@RequireScope` or `@OptionalAuth`:
 * missing, unknown or revoked → 401 with `WWW-Authenticate: Bearer`, without the scope → 403.
 * A guarded route without either decorator needs `admin`, so a forgotten decorator fails closed.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    // Optional so that a process without HTTP (a headless worker) can load guarded controllers' modules.
    @Optional() @Inject(Authenticator) private readonly authenticator: Authenticator | null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const requirement = this.reflector.getAllAndOverride<AuthRequirement | undefined>(
      AUTH_REQUIREMENT,
      [context.getHandler(), context.getClass()],
    ) ?? {
      scope: ADMIN_SCOPE,
    };
    if (!this.authenticator) throw new AuthOptionsError(AuthMessages.moduleMissing);
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const secret = apiKeyFromHeaders(request.headers);
    let principal: Principal | null;
    if (secret === null) {
      principal = this.authenticator.anonymous;
      if (!principal && !('optional' in requirement))
        this.refuse(http.getResponse<HttpReply>(), AuthMessages.keyMissing);
    } else {
      principal = await this.authenticator.authenticate(secret);
      if (!principal) this.refuse(http.getResponse<HttpReply>(), AuthMessages.keyInvalid);
    }
    if (principal) setPrincipal(request, principal);
    if ('scope' in requirement && !hasScope(principal as Principal, requirement.scope))
      throw new ForbiddenException(AuthMessages.scopeMissing(requirement.scope));
    return true;
  }

  private refuse(reply: HttpReply, message: string): never {
    reply.header('WWW-Authenticate', 'Bearer realm="RipTide Workers"');
    throw new UnauthorizedException(message);
  }
}
