import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '@hybrid-auth/auth-guard';
import { ApiAuthenticated, ApiErrors, notFound } from '@hybrid-auth/platform';
import { CreateProductDto } from './dto/create-product.dto';
import { ProductIdParams } from './dto/product-id.params';
import { ProductDto, toProductDto } from './dto/product.dto';
import { ProductsService } from './products.service';

@ApiTags('products')
@Controller('catalog/products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Public()
  @Get()
  @ApiOkResponse({ type: [ProductDto] })
  @ApiErrors({ 503: ['unavailable'] })
  async list(): Promise<ProductDto[]> {
    return (await this.products.list()).map(toProductDto);
  }

  @Public()
  @Get(':id')
  @ApiOkResponse({ type: ProductDto })
  @ApiErrors({ 400: ['validation_failed'], 404: ['not_found'], 503: ['unavailable'] })
  async get(@Param() { id }: ProductIdParams): Promise<ProductDto> {
    const product = await this.products.findById(id);
    if (!product) throw notFound('Product');
    return toProductDto(product);
  }

  @Roles('admin')
  @Post()
  @ApiAuthenticated()
  @ApiCreatedResponse({ type: ProductDto })
  @ApiErrors({ 400: ['validation_failed'], 403: ['forbidden'] })
  async create(@Body() dto: CreateProductDto): Promise<ProductDto> {
    return toProductDto(await this.products.create(dto.name, dto.priceCents));
  }
}
