import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Product } from './product.entity';

@Injectable()
export class ProductsService {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  /** Newest first; the catalog is small enough to answer in one page. */
  list(): Promise<Product[]> {
    return this.products.find({ order: { createdAt: 'DESC', name: 'ASC' } });
  }

  findById(id: string): Promise<Product | null> {
    return this.products.findOneBy({ id });
  }

  create(name: string, priceCents: number): Promise<Product> {
    return this.products.save(this.products.create({ name, priceCents }));
  }
}
