import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AccessToken, CurrentUser } from '@hybrid-auth/auth-guard';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import { ApiAuthenticated, ApiError, ApiErrors, notFound } from '@hybrid-auth/platform';
import { CreateOrderDto } from './dto/create-order.dto';
import { DEFAULT_PAGE_SIZE, ListOrdersQuery } from './dto/list-orders.query';
import { OrderIdParams } from './dto/order-id.params';
import { OrderDto, toOrderDto } from './dto/order.dto';
import { OrdersSummaryDto } from './dto/orders-summary.dto';
import { decodeCursor, encodeCursor } from './order-cursor';
import { OrdersService } from './orders.service';

const badCursor = () =>
  new ApiError(400, 'validation_failed', 'Request validation failed', {
    details: [
      { field: 'cursor', problems: ['cursor must be the X-Next-Cursor of a previous page'] },
    ],
  });

@ApiTags('orders')
@ApiAuthenticated()
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @ApiOperation({
    summary: 'Order a product at its current catalog price',
    description:
      'An unknown product answers 404 `not_found`; catalog-service down or slower than ' +
      'CATALOG_TIMEOUT_MS answers 503 `unavailable` (nothing is ordered). Each user may ' +
      'place ORDERS_RATE_LIMIT orders (default 30) per ORDERS_RATE_WINDOW seconds (default 60), ' +
      'counted across replicas: beyond, 429 `rate_limited` with Retry-After.',
  })
  @ApiHeader({ name: 'X-Request-Id', required: false, description: 'Passed on to catalog-service' })
  @ApiCreatedResponse({ type: OrderDto })
  @ApiErrors({ 400: ['validation_failed'], 404: ['not_found'], 429: ['rate_limited'] })
  async create(
    @CurrentUser() user: AuthUser,
    @AccessToken() accessToken: string,
    @Body() dto: CreateOrderDto,
    @Headers('x-request-id') requestId?: string,
  ): Promise<OrderDto> {
    const order = await this.orders.place(
      user.userId,
      dto.productId,
      dto.quantity,
      requestId,
      accessToken,
    );
    if (!order) throw notFound('Product');
    return toOrderDto(order);
  }

  @Get()
  @ApiOperation({
    summary: "The caller's orders, newest first, one page at a time",
    description:
      'The body stays a plain array of orders. At most `limit` (default 50, at most 100) per ' +
      'page; when older orders remain, the answer carries `X-Next-Cursor` (and a ' +
      '`Link: <...>; rel="next"`): pass it back as `cursor` for the next page. Pages follow ' +
      '(createdAt, id), so a walk shows every order once even while new ones are placed.',
  })
  @ApiOkResponse({
    type: [OrderDto],
    headers: {
      'X-Next-Cursor': { description: 'The cursor of the next page; absent on the last page' },
      Link: { description: 'RFC 8288 `rel="next"` link to the next page; absent on the last' },
    },
  })
  @ApiErrors({ 400: ['validation_failed'] })
  async list(
    @CurrentUser() user: AuthUser,
    @Query() { limit = DEFAULT_PAGE_SIZE, cursor }: ListOrdersQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderDto[]> {
    const afterId = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && afterId === undefined) throw badCursor();
    const page = await this.orders.pageFor(user.userId, limit, afterId);
    if (page.lastId) {
      const next = encodeCursor(page.lastId);
      reply.header('x-next-cursor', next);
      reply.header('link', `</orders?limit=${limit}&cursor=${next}>; rel="next"`);
    }
    return page.orders.map(toOrderDto);
  }

  @Get('summary')
  @ApiOperation({
    summary: "Count and total of the caller's orders",
    description: 'Computed by the database (one aggregate query), whatever the number of orders.',
  })
  @ApiOkResponse({ type: OrdersSummaryDto })
  summary(@CurrentUser() user: AuthUser): Promise<OrdersSummaryDto> {
    return this.orders.summaryFor(user.userId);
  }

  @Get(':id')
  @ApiOperation({
    summary: "One of the caller's orders",
    // 404 rather than 403: a 403 would confirm that the id exists.
    description: "Someone else's order answers 404 `not_found`, exactly like a missing one.",
  })
  @ApiOkResponse({ type: OrderDto })
  @ApiErrors({ 400: ['validation_failed'], 404: ['not_found'] })
  async get(@CurrentUser() user: AuthUser, @Param() { id }: OrderIdParams): Promise<OrderDto> {
    const order = await this.orders.findFor(user.userId, id);
    if (!order) throw notFound('Order');
    return toOrderDto(order);
  }
}
