import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';

export const TENANT_FILTER_DESCRIPTION =
  'Admin only: limit the answer to one tenant (other callers always see only their own tenant)';
export const TENANT_FILTER_MESSAGE =
  'tenant must be 1-63 characters of a-z, 0-9, _ and -, starting with a letter or digit';

/** `?tenant=` of admin reads. */
export class TenantQueryDto {
  @ApiPropertyOptional({
    description: TENANT_FILTER_DESCRIPTION,
    example: 'acme',
    pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/, { message: TENANT_FILTER_MESSAGE })
  tenant?: string;
}
