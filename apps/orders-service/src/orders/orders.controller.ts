import { Body, Controller, Get, Headers, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser } from '@hybrid-auth/auth-guard';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import { ApiAuthenticated, ApiErrors, notFound } from '@hybrid-auth/platform';
import { CreateOrderDto } from './dto/create-order.dto';
import { OrderIdParams } from './dto/order-id.params';
import { OrderDto, toOrderDto } from './dto/order.dto';
import { OrdersService } from './orders.service';

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
      'CATALOG_TIMEOUT_MS answers 503 `unavailable` (nothing is ordered).',
  })
  @ApiHeader({ name: 'X-Request-Id', required: false, description: 'Passed on to catalog-service' })
  @ApiCreatedResponse({ type: OrderDto })
  @ApiErrors({ 400: ['validation_failed'], 404: ['not_found'] })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateOrderDto,
    @Headers('x-request-id') requestId?: string,
  ): Promise<OrderDto> {
    const order = await this.orders.place(user.userId, dto.productId, dto.quantity, requestId);
    if (!order) throw notFound('Product');
    return toOrderDto(order);
  }

  @Get()
  @ApiOperation({ summary: "The caller's orders, newest first" })
  @ApiOkResponse({ type: [OrderDto] })
  async list(@CurrentUser() user: AuthUser): Promise<OrderDto[]> {
    return (await this.orders.listFor(user.userId)).map(toOrderDto);
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
