// Small readers of the request shared by the routes.
import type { Request } from 'express';
import type { Origin } from '../domain/submitAction';

/** A route parameter as one string (Express 5 types allow arrays). */
export const param = (value: string | string[] | undefined): string => (Array.isArray(value) ? value[0] : (value ?? ''));

/** Where an action came from, for its consent record. */
export const originOf = (req: Request): Origin => ({
  ip: req.ip ?? null,
  userAgent: req.get('user-agent')?.slice(0, 500) ?? null,
  pageUrl: (req.get('referer') ?? req.get('origin'))?.slice(0, 1000) ?? null,
});

/** The path as logs may show it: a confirmation link's secret is masked. */
export const loggedPath = (req: Request): string => req.path.replace(/^\/confirm\/[^/]+/, '/confirm/[token]');
